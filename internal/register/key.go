package register

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"
)

// Keys encrypt a person's national ID and hash it for search. Both are derived from one
// secret, the register key of the configuration (PTDANG_REGISTER_KEY).
type Keys struct {
	aead cipher.AEAD
	mac  []byte
}

// DevelopmentSecret is the secret NewKeys uses when the configuration gives none: fine for
// tests and `make run`, never for real data (its IDs can be read by anyone with the source).
const DevelopmentSecret = "ptdang development register key: not for real data"

// NewKeys derives the encryption and search keys from secret (DevelopmentSecret when empty).
func NewKeys(secret string) Keys {
	if secret == "" {
		secret = DevelopmentSecret
	}
	derive := func(label string) []byte {
		h := hmac.New(sha256.New, []byte(secret))
		h.Write([]byte(label))
		return h.Sum(nil)
	}
	block, err := aes.NewCipher(derive("ptdang register: national ID encryption"))
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return Keys{aead: aead, mac: derive("ptdang register: national ID search")}
}

// seal encrypts id as nonce || ciphertext, and returns its search hash beside it.
func (k Keys) seal(id string) (enc, mac []byte) {
	nonce := make([]byte, k.aead.NonceSize())
	rand.Read(nonce)
	return k.aead.Seal(nonce, nonce, []byte(id), nil), k.hash(id)
}

// hash is the keyed search hash of a national ID.
func (k Keys) hash(id string) []byte {
	h := hmac.New(sha256.New, k.mac)
	h.Write([]byte(id))
	return h.Sum(nil)
}

// open decrypts what seal stored.
func (k Keys) open(enc []byte) (string, error) {
	n := k.aead.NonceSize()
	if len(enc) < n {
		return "", errors.New("register: national ID ciphertext too short")
	}
	id, err := k.aead.Open(nil, enc[:n], enc[n:], nil)
	return string(id), err
}

// Mask shows a national ID with all but its last three digits hidden.
func Mask(id string) string {
	if len(id) <= 3 {
		return id
	}
	return strings.Repeat("•", len(id)-3) + id[len(id)-3:]
}
