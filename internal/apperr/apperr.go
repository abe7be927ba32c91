// Package apperr is the application's small error vocabulary (lỗi nghiệp vụ). Domain packages
// return these; package server maps them to pages in one place.
package apperr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

var (
	// ErrNotFound: the thing does not exist, or the caller may not see it (the two are not told apart).
	ErrNotFound = errors.New("not found")
	// ErrConflict: someone else changed the thing since the caller read it.
	ErrConflict = errors.New("edit conflict")
	// ErrForbidden: the caller may see the thing but not do this to it.
	ErrForbidden = errors.New("forbidden")
)

// Invalid reports input that breaks rules; Fields maps each offending field to a Vietnamese
// message that names it.
type Invalid struct {
	Fields map[string]string
}

// Add records msg for field, keeping the first message a field gets.
func (e *Invalid) Add(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// Read parses text, as typed into field, with parse (format.ReadInt, format.ReadDate…); the
// message parse returns, if any, goes to e on field.
func Read[T any](e *Invalid, field, text string, parse func(string) (T, string)) T {
	v, msg := parse(text)
	if msg != "" {
		e.Add(field, msg)
	}
	return v
}

// Err returns e when it holds a message and nil otherwise.
func (e *Invalid) Err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

func (e *Invalid) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Field returns the message err holds for field, if err is an *Invalid.
func Field(err error, field string) string {
	var inv *Invalid
	if errors.As(err, &inv) {
		return inv.Fields[field]
	}
	return ""
}

// ErrLocked: the thing is closed to change for now (a reporting period past its deadline or not
// yet ended).
var ErrLocked = errors.New("locked")

// Refusal is an error the user can act on: Kind (ErrConflict, ErrForbidden, ErrLocked or
// ErrNotFound) says what kind of refusal it is, Message says why in Vietnamese.
type Refusal struct {
	Kind    error
	Message string
}

// Refuse returns a Refusal of kind with a Vietnamese message for the user.
func Refuse(kind error, message string) error { return &Refusal{Kind: kind, Message: message} }

func (e *Refusal) Error() string { return e.Kind.Error() + ": " + e.Message }
func (e *Refusal) Unwrap() error { return e.Kind }

// Warnings is returned (with nothing saved) when input holds unusual values the user has not
// confirmed; it maps each field to a Vietnamese message.
type Warnings map[string]string

func (w Warnings) Error() string { return fmt.Sprintf("%d unusual values to confirm", len(w)) }

// Message returns the Vietnamese message err carries for the user: a Refusal's, or that of any
// error in its chain with a Message() string method; "" when it carries none.
func Message(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Message
	}
	var m interface{ Message() string }
	if errors.As(err, &m) {
		return m.Message()
	}
	return ""
}
