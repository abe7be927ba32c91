package exchange

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"ptdang/internal/format"
)

// Bounds on what an .xlsx file may unzip to, against zip bombs. An .xlsx file is a zip archive, and
// excelize holds every part but large sheets in memory: a 2 MB upload that unzips to gigabytes took the
// server to 9 GB. checkZip enforces these bounds on the central directory, before excelize sees the file,
// and reads each part once to make sure its declared size is the truth.
const (
	// unzipRatio bounds how much larger than the file its parts may be all together. Real workbooks
	// unzip to 5 to 30 times their size; repeated cells compress up to about 1000 times.
	unzipRatio = 100
	// unzipFloor is what a small file may always unzip to, however high its ratio.
	unzipFloor = 16 << 20
	// unzipMost bounds the parts of any file all together, whatever its size.
	unzipMost = 256 << 20
	// partMost bounds each part but sheets and the shared strings (styles, theme, pictures…).
	partMost = 16 << 20
	// inMemoryXML is the size above which excelize streams a sheet or the shared strings from a
	// temporary file instead of holding it in memory (excelize.Options.UnzipXMLSizeLimit).
	inMemoryXML = 4 << 20
	// inMemoryMost bounds the parts excelize holds in memory all together.
	inMemoryMost = 64 << 20
	// partsMost bounds the number of parts; a real workbook has a few dozen.
	partsMost = 1000
)

// xlsxFolders are the folders of the parts Excel, LibreOffice and other spreadsheet programs write.
// A part elsewhere has no business in a workbook.
var xlsxFolders = []string{
	"_rels/", "docprops/", "customxml/", "docmetadata/",
	"xl/_rels/", "xl/worksheets/", "xl/theme/", "xl/media/", "xl/drawings/", "xl/charts/",
	"xl/printersettings/", "xl/tables/", "xl/pivottables/", "xl/pivotcache/", "xl/externallinks/",
	"xl/persons/", "xl/threadedcomments/", "xl/richdata/", "xl/ctrlprops/", "xl/activex/",
	"xl/embeddings/", "xl/querytables/", "xl/slicers/", "xl/slicercaches/", "xl/timelines/",
	"xl/timelinecaches/", "xl/customproperty/", "xl/chartsheets/", "xl/dialogsheets/",
	"xl/macrosheets/", "xl/webextensions/", "xl/revisions/", "xl/model/", "xl/customdata/",
	"xl/featurepropertybag/", "xl/namedsheetviews/",
}

// xlsxTopParts are the parts at the top of the archive and of xl/ (names compared in lower case).
var xlsxTopParts = []string{
	"[content_types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/sharedstrings.xml",
	"xl/calcchain.xml", "xl/metadata.xml", "xl/connections.xml", "xl/volatiledependencies.xml",
	"xl/vbaproject.bin",
}

// errZipRefused is a file that checkZip refuses; its text is the Vietnamese problem.
type errZipRefused string

func (e errZipRefused) Error() string { return string(e) }

const tooLargeUnzipped = "tệp Excel này khi giải nén lớn bất thường (%s); tệp bảng tính thật không như vậy. " +
	"Hãy mở tệp bằng Excel, xóa các trang, hình ảnh không cần thiết rồi lưu lại dưới dạng Excel Workbook (.xlsx)"

// checkZip checks the archive of an .xlsx file against zip bombs: no more than partsMost parts, each
// with a name an .xlsx file has, each no larger than its bound, all together no larger than
// unzipRatio times the file (but at least unzipFloor, at most unzipMost), and every part's content
// exactly the size its directory entry declares. It returns an errZipRefused for a file it refuses, or
// another error for a file that is no zip archive at all. It never holds more than a small buffer.
func checkZip(data []byte) error {
	// zip.NewReader allocates an entry per central directory record it finds, as many as the
	// file's size allows: count them first.
	if bytes.Count(data, []byte("PK\x01\x02")) > partsMost {
		return errZipRefused(fmt.Sprintf("tệp có hơn %d phần; tệp bảng tính thật không như vậy", partsMost))
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	if len(z.File) > partsMost {
		return errZipRefused(fmt.Sprintf("tệp có hơn %d phần; tệp bảng tính thật không như vậy", partsMost))
	}
	budget := min(max(unzipRatio*int64(len(data)), unzipFloor), unzipMost)
	var total, inMemory int64
	seen := make(map[string]bool, len(z.File))
	for _, f := range z.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		if !xlsxPart(name) {
			return errZipRefused(fmt.Sprintf("tệp có phần %s không thuộc một tệp Excel; "+
				"hãy mở tệp bằng Excel và lưu lại dưới dạng Excel Workbook (.xlsx)", quote(f.Name)))
		}
		if seen[name] {
			return errZipRefused(fmt.Sprintf("tệp có hai phần cùng tên %s; tệp bị hỏng hoặc bị sửa bằng tay", quote(f.Name)))
		}
		seen[name] = true
		size := f.UncompressedSize64
		if size > unzipMost {
			return errZipRefused(fmt.Sprintf(tooLargeUnzipped, quote(f.Name)+" hơn "+sizeText(unzipMost)))
		}
		streamed := streamedPart(name)
		if !streamed && size > partMost {
			return errZipRefused(fmt.Sprintf(tooLargeUnzipped, quote(f.Name)+" hơn "+sizeText(partMost)))
		}
		total += int64(size)
		if total > budget {
			return errZipRefused(fmt.Sprintf(tooLargeUnzipped, "hơn "+sizeText(budget)+" cho một tệp "+sizeText(int64(len(data)))))
		}
		if !streamed || size <= inMemoryXML {
			inMemory += int64(size)
			if inMemory > inMemoryMost {
				return errZipRefused(fmt.Sprintf(tooLargeUnzipped, "các phần ngoài trang tính hơn "+sizeText(inMemoryMost)))
			}
		}
	}
	// The sizes above are those the directory declares. Read every part through a limit to make sure
	// none holds more (archive/zip also refuses to read past the declared size) or less.
	for _, f := range z.File {
		if err := checkPartSize(f); err != nil {
			return err
		}
	}
	return nil
}

// xlsxPart reports whether name, in lower case with forward slashes, is a part an .xlsx file may hold.
func xlsxPart(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") || path.Clean(name) != strings.TrimSuffix(name, "/") {
		return false
	}
	for _, p := range xlsxTopParts {
		if name == p {
			return true
		}
	}
	for _, folder := range xlsxFolders {
		if strings.HasPrefix(name, folder) {
			return true
		}
	}
	// comments1.xml and the like sit in xl/ itself.
	return strings.HasPrefix(name, "xl/comments") && !strings.Contains(name[len("xl/"):], "/")
}

// streamedPart reports whether excelize streams the part name from a temporary file when it is larger
// than inMemoryXML: it does so for sheets and the shared strings.
func streamedPart(name string) bool {
	return strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml"
}

// checkPartSize reads the part f whole, through a limit one byte past its declared size. The XML of
// sheets and shared strings is checked for its shape on the way (see xmlShape).
func checkPartSize(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	var sink io.Writer = io.Discard
	if streamedPart(strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))) {
		sink = &xmlShape{}
	}
	n, err := io.Copy(sink, io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	var refused errZipRefused
	if errors.As(err, &refused) {
		return refused
	}
	if errors.Is(err, zip.ErrFormat) || err == nil && uint64(n) != f.UncompressedSize64 {
		return errZipRefused(fmt.Sprintf("phần %s của tệp có kích thước thật khác với kích thước ghi trong tệp; "+
			"tệp bị hỏng hoặc bị sửa bằng tay", quote(f.Name)))
	}
	return err
}

// Bounds on the shape of a sheet's XML, which excelize would otherwise take whole into memory: a row
// of ten million cells within the size bounds above cost 6,5 GB of allocation and 100 seconds.
const (
	maxSheetRows = 1_048_576 // Excel's own limit
	maxTextBytes = 256 << 10 // a cell holds at most 32 767 characters, up to 6 bytes each escaped
	maxTagBytes  = 64 << 10  // one element's start tag with its attributes
)

// xmlShape is an io.Writer that scans XML bytes, without parsing them, for rows of more than
// maxColumns cells, more than maxSheetRows rows, and texts or tags beyond maxTextBytes or maxTagBytes.
// It returns an errZipRefused at the first. Element names are compared without their namespace prefix.
type xmlShape struct {
	inTag, nameDone bool
	name            []byte
	tagLen, textLen int
	rows, cells     int
}

func (s *xmlShape) Write(p []byte) (int, error) {
	for _, c := range p {
		if !s.inTag {
			if c == '<' {
				s.inTag, s.nameDone, s.name, s.tagLen = true, false, s.name[:0], 0
				continue
			}
			if s.textLen++; s.textLen > maxTextBytes {
				return 0, errZipRefused("trang tính có một ô dài bất thường (hơn " + sizeText(maxTextBytes) + "); tệp bảng tính thật không như vậy")
			}
			continue
		}
		if s.tagLen++; s.tagLen > maxTagBytes {
			return 0, errZipRefused("trang tính có một thẻ XML dài bất thường; tệp bị hỏng hoặc bị sửa bằng tay")
		}
		switch {
		case c == '>':
			s.inTag, s.textLen = false, 0
			if err := s.endName(); err != nil {
				return 0, err
			}
		case s.nameDone:
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/' && len(s.name) > 0:
			if err := s.endName(); err != nil {
				return 0, err
			}
		case len(s.name) < 16:
			s.name = append(s.name, c)
		}
	}
	return len(p), nil
}

// endName counts the element whose name has just been read.
func (s *xmlShape) endName() error {
	if s.nameDone {
		return nil
	}
	s.nameDone = true
	name := s.name
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	switch string(name) {
	case "row":
		s.rows, s.cells = s.rows+1, 0
		if s.rows > maxSheetRows {
			return errZipRefused("trang tính có hơn " + format.Int(maxSheetRows) + " dòng, nhiều hơn Excel cho phép; tệp bị hỏng hoặc bị sửa bằng tay")
		}
	case "c":
		if s.cells++; s.cells > maxColumns {
			return errZipRefused("trang tính có một dòng hơn " + format.Int(maxColumns) + " ô, nhiều hơn Excel cho phép; tệp bị hỏng hoặc bị sửa bằng tay")
		}
	}
	return nil
}
