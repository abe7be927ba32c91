package org

// Nation is the unit id of the whole country (the nation's dashboard and boards): its rows are
// the units at the top of the Party tree. Only a user who sees everything may open it.
const Nation = 0

// NationUnit stands for the whole tree.
var NationUnit = PartyUnit{ID: Nation, Code: "VN", Name: "Toàn quốc"}
