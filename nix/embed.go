// Package nix holds the Nix code of clan-terranix: the builtins-only
// evaluator of Terranix modules and clans (lib/). The same files serve the
// binary (embedded here) and the project's flake.
package nix

import "embed"

// Lib is the evaluator: lib/eval.nix evaluates a clan layout, lib/render.nix
// one Terranix module file.
//
//go:embed lib
var Lib embed.FS
