package exchange

import (
	"crypto/rand"
	"hash/crc32"
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
