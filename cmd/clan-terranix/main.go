// Command clan-terranix provisions a Clan's Terranix infrastructure.
package main

import (
	"os"

	"github.com/clan-terranix/clan-terranix/internal/cli"
)

func main() { os.Exit(cli.Main()) }
