// Package examples embeds the example clans: `clan-terranix init --provider
// local` writes the quickstart, and the others share its common files, so
// what init writes is what the tests apply.
package examples

import "embed"

// FS holds quickstart/ and aws-hetzner/.
//
//go:embed all:quickstart all:aws-hetzner
var FS embed.FS
