package exchange

import (
	"bytes"
	"testing"
)

// readAllCells reads rows as a caller would, through every getter, and checks what must always hold.
func readAllCells(t *testing.T, rows []*Row, ps Problems) {
	last := 1
	for _, r := range rows {
		if r.Number() <= last {
			t.Fatalf("row %d after row %d", r.Number(), last)
		}
		last = r.Number()
		for _, c := range units.Columns {
			r.Text(c.Key)
			r.Int(c.Key)
			r.Date(c.Key)
			r.Decimal(c.Key)
			r.Bool(c.Key)
			r.Choice(c.Key, unitKinds)
		}
		r.Problemf("", "%d", r.Number())
		ps = append(ps, r.Problems()...)
	}
	for _, p := range ps {
		if p.Message == "" || p.String() == "" {
			t.Fatalf("empty problem %+v", p)
		}
	}
	_ = ps.Error()
}

func FuzzReadCSV(f *testing.F) {
	for _, seed := range []string{
		"Mã đơn vị,Tên đơn vị,Số đảng viên,Ngày thành lập\nCB01,Chi bộ 1,1.827,24/11/2026\n",
		bom + "ma don vi;ten don vi;so dang vien;ngay thanh lap\r\n\"CB;01\";\"Chi \"\"bộ\"\"\r\n1\";12,5 %;2025-02-31\r\n\r\n",
		"Mã đơn vị,Tên đơn vị\n\"CB01,x\n",
		"Mã đơn vị,Mã đơn vị,x\n,,\n1,2,3,4,5\n\xff\xfe,\"\n",
		"\xef\xbb\xbf\"\"\"\r\r\n;;,,\"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, ps := Read(bytes.NewReader(data), "f.csv", units, 1<<16)
		readAllCells(t, rows, ps)
	})
}

func FuzzReadXLSX(f *testing.F) {
	var b bytes.Buffer
	if err := WriteXLSX(&b, figures, Sheet{Table: units, Rows: [][]any{{"CB01", "Chi bộ", 1, "31/02/2025"}}}); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, ps := Read(bytes.NewReader(data), "f.xlsx", units, 1<<20)
		readAllCells(t, rows, ps)
	})
}
