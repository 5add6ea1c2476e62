# Real Terranix, for the differential test: the upstream snapshot's
# core/default.nix on the snapshot of nixpkgs' lib, as its README shows, with
# pkgs reduced to what evaluating needs (lib, writeText). Returns the text
# terranix writes to config.tf.json (builtins.toJSON of `.config`).
{ file, upstream, withNulls ? false }:
let
  lib = import (upstream + "/nixpkgs-lib/lib");
  evaluated = import (upstream + "/terranix/core/default.nix") {
    pkgs = { inherit lib; writeText = name: text: builtins.toFile name text; };
    modules = [ (/. + file) ];
    strip_nulls = !withNulls;
  };
in
builtins.toJSON evaluated.config
