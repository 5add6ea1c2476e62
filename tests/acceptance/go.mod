// The CLI's acceptance tests: testscript runs the built clan-terranix binary.
// A module of its own so that testscript never enters the binary's go.mod.
module github.com/clan-terranix/clan-terranix/tests/acceptance

go 1.26.0

// internal/testenv finds the toolchain that scripts/bootstrap lays out.
replace github.com/clan-terranix/clan-terranix => ../..

require (
	github.com/clan-terranix/clan-terranix v0.0.0
	github.com/rogpeppe/go-internal v1.16.0
)

require (
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/tools v0.38.0 // indirect
)
