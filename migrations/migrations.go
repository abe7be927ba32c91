// Package migrations holds the SQL schema migrations, embedded into the binary.
// Files are named NNNNNN_verb_noun.up.sql / .down.sql and are never edited once landed.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
