package report

// ImportFiguresPerRow is the per-row import ImportFigures replaced, for comparing the two.
var ImportFiguresPerRow = importFiguresPerRow
