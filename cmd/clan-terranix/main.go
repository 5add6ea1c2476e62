package main

import (
	_ "github.com/gofrs/flock"
	_ "github.com/hashicorp/hcl/v2/hclsyntax"
	_ "github.com/spf13/cobra"
	_ "golang.org/x/term"
	_ "golang.org/x/sync/errgroup"
)

func main() {}
