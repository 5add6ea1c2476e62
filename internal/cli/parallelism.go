package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/clan-terranix/clan-terranix/internal/clan"
)

// parallelismValue is --parallelism: 1 to clan.MaxParallelism, refused
// otherwise when the flag is parsed (0 is the unset default, never a value
// the user can give).
type parallelismValue struct{ n *int }

func addParallelismFlag(f *pflag.FlagSet, n *int, usage string) {
	f.Var(parallelismValue{n}, "parallelism", usage)
}

func (v parallelismValue) String() string {
	if v.n == nil || *v.n == 0 {
		return ""
	}
	return strconv.Itoa(*v.n)
}

func (v parallelismValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > clan.MaxParallelism {
		return fmt.Errorf("use a number of workspaces from 1 to %d", clan.MaxParallelism)
	}
	*v.n = n
	return nil
}

func (v parallelismValue) Type() string { return "int" }
