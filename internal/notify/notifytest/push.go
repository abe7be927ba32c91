package notifytest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"ptdang/internal/notify"
)

// PushService is a Web Push service on loopback (HTTPS) for one subscription, which it made: it
// checks each push's VAPID signature and decrypts its payload (RFC 8291) as a browser would.
type PushService struct {
	srv    *httptest.Server
	key    *ecdh.PrivateKey
	auth   []byte
	vapid  string // the application server's public key, base64url
	mu     sync.Mutex
	answer int
	got    []map[string]string
}

// NewPushService starts a push service that expects pushes signed with vapid's public key,
// stopped when t ends.
func NewPushService(t testing.TB, vapid notify.VAPID) *PushService {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := &PushService{key: key, auth: make([]byte, 16), vapid: vapid.PublicKey, answer: http.StatusCreated}
	_, _ = rand.Read(p.auth)
	p.srv = httptest.NewTLSServer(http.HandlerFunc(p.receive))
	t.Cleanup(p.srv.Close)
	return p
}

// Subscription is the subscription a browser would hand the application.
func (p *PushService) Subscription() notify.Subscription {
	var s notify.Subscription
	s.Endpoint = p.srv.URL + "/push/1"
	s.Keys.P256dh = base64.RawURLEncoding.EncodeToString(p.key.PublicKey().Bytes())
	s.Keys.Auth = base64.RawURLEncoding.EncodeToString(p.auth)
	return s
}

// Client is an HTTP client that trusts the service's certificate.
func (p *PushService) Client() *http.Client { return p.srv.Client() }

// Answer makes the service answer the next pushes with status (201 accepts them).
func (p *PushService) Answer(status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.answer = status
}

// Received returns the payloads accepted so far, decrypted and decoded.
func (p *PushService) Received() []map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]string(nil), p.got...)
}

func (p *PushService) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err == nil {
		err = p.checkVAPID(r.Header.Get("Authorization"))
	}
	var plain []byte
	if err == nil {
		plain, err = p.decrypt(body)
	}
	var payload map[string]string
	if err == nil && r.Header.Get("Content-Encoding") != "aes128gcm" {
		err = errors.New("content encoding " + r.Header.Get("Content-Encoding"))
	}
	if err == nil {
		err = json.Unmarshal(plain, &payload)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.answer == http.StatusCreated {
		p.got = append(p.got, payload)
	}
	w.WriteHeader(p.answer)
}

// checkVAPID checks the "vapid t=<JWT>, k=<key>" header: the key is the application's and the
// JWT's ES256 signature is the key's.
func (p *PushService) checkVAPID(header string) error {
	t, k, ok := strings.Cut(strings.TrimPrefix(header, "vapid t="), ", k=")
	if !ok || k != p.vapid {
		return errors.New("no VAPID header from the expected key")
	}
	raw, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil {
		return err
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		return err
	}
	dot := strings.LastIndex(t, ".")
	sig, err := base64.RawURLEncoding.DecodeString(t[dot+1:])
	if dot < 0 || err != nil || len(sig) != 64 {
		return errors.New("malformed VAPID token")
	}
	digest := sha256.Sum256([]byte(t[:dot]))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("VAPID signature does not verify")
	}
	return nil
}

// decrypt opens an aes128gcm body of one record (RFC 8188) with the keys of RFC 8291.
func (p *PushService) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 || len(body) < 21+int(body[20]) {
		return nil, errors.New("short body")
	}
	salt, keyID, ciphertext := body[:16], body[21:21+int(body[20])], body[21+int(body[20]):]
	serverKey, err := ecdh.P256().NewPublicKey(keyID)
	if err != nil {
		return nil, err
	}
	secret, err := p.key.ECDH(serverKey)
	if err != nil {
		return nil, err
	}
	info := "WebPush: info\x00" + string(p.key.PublicKey().Bytes()) + string(keyID)
	ikm, err := hkdf.Key(sha256.New, secret, p.auth, info, 32)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, err
	}
	plain = bytes.TrimRight(plain, "\x00") // padding, then the last record's delimiter
	if len(plain) == 0 || plain[len(plain)-1] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}
