# The builtins-only evaluator's one refusal: what it cannot evaluate exactly
# as Terranix on nixpkgs' module system does fails with this line, naming the
# file and line (`where`) and how to give clan-terranix nixpkgs. Go's
# differential test and nix/lib/README.md know it by its wording.
where: what:
builtins.throw "clan-terranix: ${where}: ${what} needs nixpkgs, and the builtins-only evaluator refuses what it cannot evaluate exactly as Terranix does; give clan-terranix nixpkgs: --nixpkgs PATH, a flake clan, or <nixpkgs> on NIX_PATH"
