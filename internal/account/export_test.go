package account

import "github.com/alexedwards/argon2id"

// SetCompare replaces h's password check, so a test can count the checks or hold them.
func (h *Hasher) SetCompare(f func(password, hash string) (bool, error)) { h.compare = f }

// Compare is the real password check.
var Compare = argon2id.ComparePasswordAndHash

// UseChangeHashes makes h bound the hashes of account changes until t ends.
func UseChangeHashes(t interface{ Cleanup(func()) }, h *Hasher) {
	old := changeHashes
	changeHashes = h
	t.Cleanup(func() { changeHashes = old })
}
