package exchange

import (
	"bytes"
	"crypto/rand"
	"hash/crc32"
	"strconv"
	"strings"
	"testing"
)

// randomPart is a part of n random bytes, stored: it makes a file larger without unzipping larger, and
// so raises the budget of what the file may unzip to.
func randomPart(name string, n int) part {
	b := make([]byte, n)
	rand.Read(b)
	return part{name: name, deflated: b, size: uint64(n), crc: crc32.ChecksumIEEE(b)}
}

func TestOneRowOfTenMillionCellsWithinTheBudgetStaysWithinBoundedMemory(t *testing.T) {
	row := `<row r="2">` + strings.Repeat("<c><v>1</v></c>", 1<<16)
	p := repeatedPart(t, "xl/worksheets/sheet1.xml", sheetStart+row, strings.Repeat("<c><v>1</v></c>", 1<<16), "</row>"+sheetEnd, 150)
	padding := randomPart("xl/media/image1.png", 2<<20)
	b := withParts(t, unitsWorkbook(t), p, padding)
	t.Logf("sheet %s in a file of %s", sizeText(int64(p.size)), sizeText(int64(len(b))))
	readBomb(t, b, "một dòng hơn 16.384 ô")
}

func TestOneCellOfAHundredMegabytesWithinTheBudgetIsRefused(t *testing.T) {
	start := sheetStart + `<row r="2"><c r="A2" t="inlineStr"><is><t>`
	p := repeatedPart(t, "xl/worksheets/sheet1.xml", start, strings.Repeat("a", 1<<20), `</t></is></c></row>`+sheetEnd, 100)
	b := withParts(t, unitsWorkbook(t), p, randomPart("xl/media/image1.png", 2<<20))
	t.Logf("sheet %s in a file of %s", sizeText(int64(p.size)), sizeText(int64(len(b))))
	readBomb(t, b, "một ô dài bất thường")
}

func TestLargestTableReadsWithinBoundedMemory(t *testing.T) {
	data := make([][]any, maxRows)
	for i := range data {
		data[i] = []any{"CB" + strings.Repeat("0", 6-len(itoa(i))) + itoa(i), "Chi bộ ấp số " + itoa(i), i % 300, "24/11/2026"}
	}
	var b bytes.Buffer
	if err := WriteXLSX(&b, Sheet{Table: units, Rows: data}); err != nil {
		t.Fatal(err)
	}
	data = nil
	var rows []*Row
	var ps Problems
	total, inUse := allocated(func() {
		rows, ps = Read(bytes.NewReader(b.Bytes()), "don-vi.xlsx", units, uploadMax)
	})
	t.Logf("file %s, %d rows: allocated %d MB, heap in use %+d MB", sizeText(int64(b.Len())), len(rows), total>>20, inUse>>20)
	if len(ps) != 0 || len(rows) != maxRows {
		t.Fatalf("%d rows, problems:\n%s", len(rows), list(ps))
	}
	if inUse > memoryBound {
		t.Errorf("heap in use %+d MB with the rows read; want at most %d MB", inUse>>20, memoryBound>>20)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
