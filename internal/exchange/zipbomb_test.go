package exchange

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"runtime"
	"strings"
	"testing"
)

// uploadMax is the real upload limit of the structure, report and quality imports (20 MB): the bombs
// below are read with it, as the server reads them.
const uploadMax = 20 << 20

// part is one part to put in a hand-built .xlsx archive: its deflated bytes as they go into the file,
// and what its directory entry declares.
type part struct {
	name       string
	deflated   []byte
	size       uint64 // declared uncompressed size
	crc        uint32
	compressed bool // deflated, else stored
}

// repeatedPart deflates prefix, then chunk repeated n times, then suffix, without ever holding the
// whole: each piece is deflated on its own and flushed to a byte boundary, so that the chunk's deflated
// bytes can be repeated as they are. This is how a zip bomb is made: a chunk of a megabyte deflates
// to about a kilobyte.
func repeatedPart(t *testing.T, name, prefix, chunk, suffix string, n int) part {
	t.Helper()
	var out, piece bytes.Buffer
	w, err := flate.NewWriter(&piece, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	deflate := func(s string, last bool) []byte {
		piece.Reset()
		w.Reset(&piece)
		if _, err := w.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
		if last {
			err = w.Close()
		} else {
			err = w.Flush()
		}
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Clone(piece.Bytes())
	}
	out.Write(deflate(prefix, false))
	c := deflate(chunk, false)
	crc := crc32.Update(0, crc32.IEEETable, []byte(prefix))
	for range n {
		out.Write(c)
		crc = crc32.Update(crc, crc32.IEEETable, []byte(chunk))
	}
	out.Write(deflate(suffix, true))
	crc = crc32.Update(crc, crc32.IEEETable, []byte(suffix))
	return part{name: name, deflated: out.Bytes(), size: uint64(len(prefix) + n*len(chunk) + len(suffix)), crc: crc, compressed: true}
}

// withParts returns the .xlsx file base with the parts replaced or added, each written raw with the
// sizes it declares.
func withParts(t *testing.T, base []byte, parts ...part) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	replaced := map[string]bool{}
	for _, p := range parts {
		replaced[p.name] = true
	}
	for _, f := range z.File {
		if !replaced[f.Name] {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, p := range parts {
		method := zip.Store
		if p.compressed {
			method = zip.Deflate
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: p.name, Method: method, CRC32: p.crc,
			CompressedSize64: uint64(len(p.deflated)), UncompressedSize64: p.size})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(p.deflated); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// allocated runs f and returns the bytes the program allocated meanwhile, and how much more of the heap
// is in use afterwards.
func allocated(f func()) (total, inUse int64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc), int64(after.HeapInuse) - int64(before.HeapInuse)
}

// memoryBound is what reading one hostile file may allocate: well above a real import's needs, far below
// the gigabytes the bombs unzip to.
const memoryBound = 200 << 20

// readBomb reads the hostile file b as the server would and checks it is refused with message, within
// memoryBound.
func readBomb(t *testing.T, b []byte, message string) {
	t.Helper()
	readRefused(t, "don-vi.xlsx", b, Problem{}, message, memoryBound)
}

// readRefused reads b as the file filename and fails t unless it gives no rows and the one
// problem want, with message, having allocated and kept no more than bound bytes.
func readRefused(t *testing.T, filename string, b []byte, want Problem, message string, bound int64) {
	t.Helper()
	var rows []*Row
	var ps Problems
	total, inUse := allocated(func() {
		rows, ps = Read(bytes.NewReader(b), filename, units, uploadMax)
	})
	t.Logf("file %s: allocated %d MB, heap in use %+d MB", sizeText(int64(len(b))), total>>20, inUse>>20)
	if rows != nil || len(ps) != 1 {
		t.Fatalf("want one problem and no rows, got %d rows, problems:\n%s", len(rows), list(ps))
	}
	wantProblem(t, ps, want, message)
	if total > bound || inUse > bound {
		t.Errorf("allocated %d MB, heap in use %+d MB; want at most %d MB", total>>20, inUse>>20, bound>>20)
	}
}

// sheetXML is the start and end of a worksheet part, around its rows.
const (
	sheetStart = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>Mã đơn vị</t></is></c><c r="B1" t="inlineStr"><is><t>Tên đơn vị</t></is></c></row>`
	sheetEnd = `</sheetData></worksheet>`
)

func unitsWorkbook(t *testing.T) []byte {
	return workbook(t, []string{"Đơn vị"}, map[string][][]any{"Đơn vị": {
		{"Mã đơn vị", "Tên đơn vị"}, {"CB01", "Chi bộ 1"},
	}}, nil)
}

func TestSheetBombIsRefusedWithinBoundedMemory(t *testing.T) {
	// Rows of 200 cells, about 75 million cells in all: 1 GB of sheet in a file of about 2,4 MB.
	row := "<row>" + strings.Repeat("<c><v>1</v></c>", 200) + "</row>"
	chunk := strings.Repeat(row, (4<<20)/len(row))
	bomb := withParts(t, unitsWorkbook(t), repeatedPart(t, "xl/worksheets/sheet1.xml", sheetStart, chunk, sheetEnd, 256))
	if len(bomb) > 3<<20 {
		t.Fatalf("the bomb is %s; want it under 3 MB", sizeText(int64(len(bomb))))
	}
	readBomb(t, bomb, "khi giải nén lớn bất thường")
}

func TestHugePartBesideTheSheetsIsRefusedWithinBoundedMemory(t *testing.T) {
	// excelize reads every part but the sheets whole: here a "picture" of 300 MB.
	zeros := strings.Repeat("\x00", 1<<20)
	bomb := withParts(t, unitsWorkbook(t), repeatedPart(t, "xl/media/image1.png", "", zeros, "", 300))
	readBomb(t, bomb, "khi giải nén lớn bất thường")
}

func TestPartWhoseDeclaredSizeLiesIsRefused(t *testing.T) {
	// A 300 MB sheet whose directory entry declares 2 KB, to slip under every bound that trusts it.
	row := "<row>" + strings.Repeat("<c><v>1</v></c>", 200) + "</row>"
	p := repeatedPart(t, "xl/worksheets/sheet1.xml", sheetStart, strings.Repeat(row, 300), sheetEnd, 1000)
	p.size = 2048
	readBomb(t, withParts(t, unitsWorkbook(t), p), "kích thước thật khác với kích thước ghi trong tệp")
}

func TestUnexpectedPartIsRefused(t *testing.T) {
	small := repeatedPart(t, "payload.bin", "", "x", "", 10)
	readBomb(t, withParts(t, unitsWorkbook(t), small), `tệp có phần "payload.bin" không thuộc một tệp Excel`)
	evil := repeatedPart(t, "xl/../../etc/passwd", "", "x", "", 10)
	readBomb(t, withParts(t, unitsWorkbook(t), evil), "không thuộc một tệp Excel")
}

func TestTooManyPartsAreRefused(t *testing.T) {
	tiny := repeatedPart(t, "", "", "x", "", 1)
	var parts []part
	for i := range partsMost + 1 {
		tiny.name = fmt.Sprintf("xl/media/image%d.png", i)
		parts = append(parts, tiny)
	}
	readBomb(t, withParts(t, unitsWorkbook(t), parts...), "tệp có hơn 1000 phần")
}

func TestRealWorkbookWithinTheBoundsIsRead(t *testing.T) {
	// A small file may unzip to unzipFloor, however high its ratio: 10 000 rows of the same unit.
	row := `<row><c t="inlineStr"><is><t>CB01</t></is></c><c t="inlineStr"><is><t>Chi bộ 1</t></is></c></row>`
	b := withParts(t, unitsWorkbook(t), repeatedPart(t, "xl/worksheets/sheet1.xml", sheetStart, strings.Repeat(row, 10), sheetEnd, 1000))
	rows, ps := Read(bytes.NewReader(b), "don-vi.xlsx", units, uploadMax)
	if len(ps) != 0 || len(rows) != 10_000 {
		t.Fatalf("%d rows, problems:\n%s", len(rows), list(ps))
	}
	if got := rows[9_999].Text("name"); got != "Chi bộ 1" {
		t.Errorf("last row: name = %q", got)
	}
}

func TestCSVLineOfTenMillionFieldsIsRefusedWithinBoundedMemory(t *testing.T) {
	csv := "Mã đơn vị,Tên đơn vị\n" + strings.Repeat(",", 10_000_000) + "\n"
	readRefused(t, "don-vi.csv", []byte(csv), Problem{Sheet: "Đơn vị", Row: 2}, "dòng này có hơn 16.384 cột", 100<<20)
}
