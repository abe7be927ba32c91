package exchange

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A sheet's streamed rows follow its held ones in both formats, read back as written; a streamed
// column, not measured, is as wide as its Width says.
func TestStreamedRowsFollowTheHeldOnesAndTheirColumnKeepsItsWidth(t *testing.T) {
	table := Table{Sheet: "Mẫu", Columns: []Column{{Key: "code", Header: "Mã"}, {Key: "name", Header: "Tên", Width: 30}}}
	sheet := Sheet{Table: table, Rows: [][]any{{"A0", "Chi bộ 0"}}, Stream: func(yield func([]any) error) error {
		row := make([]any, 2) // reused, as a stream may
		for i := 1; i <= 3; i++ {
			row[0], row[1] = fmt.Sprintf("A%d", i), fmt.Sprintf("Chi bộ %d", i)
			if err := yield(row); err != nil {
				return err
			}
		}
		return nil
	}}
	for _, name := range []string{"mau.xlsx", "mau.csv"} {
		var file bytes.Buffer
		write := WriteXLSX
		if name == "mau.csv" {
			write = func(w io.Writer, s ...Sheet) error { return WriteCSV(w, s[0]) }
		}
		if err := write(&file, sheet); err != nil {
			t.Fatal(err)
		}
		raw := bytes.Clone(file.Bytes())
		rows, problems := Read(&file, name, table, 0)
		if len(problems) != 0 || len(rows) != 4 {
			t.Fatalf("%s: %d rows, %v", name, len(rows), problems)
		}
		for i, r := range rows {
			if r.Text("code") != fmt.Sprintf("A%d", i) || r.Text("name") != fmt.Sprintf("Chi bộ %d", i) {
				t.Errorf("%s row %d: %q %q", name, i, r.Text("code"), r.Text("name"))
			}
		}
		if name != "mau.xlsx" {
			continue
		}
		f, err := excelize.OpenReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if w, err := f.GetColWidth("Mẫu", "B"); err != nil || w != 32 {
			t.Errorf("the streamed name column is %v wide (%v), want its Width and a margin, 32", w, err)
		}
	}
}
