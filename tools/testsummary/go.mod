// Condenses `go test -json` for scripts/test. Standard library only; a module
// of its own because only the test script uses it.
module clan-terranix.dev/tools/testsummary

go 1.26.0
