package register_test

import (
	"os"
	"testing"

	"ptdang/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
