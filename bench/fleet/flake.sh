# Sourced by bench/fleet/run and bench/fleet/timeline: a fleet clan as a flake whose machines
# come from clan-core's evaluated inventory (issue 14): the real clan-core snapshot behind the
# offline stand-in flake internal/testenv/clan-core.flake.nix, nixpkgs' lib, this checkout's
# flake. Needs $repo (the checkout) and $OUT.

# flake_inputs: the inputs under $OUT/inputs; sets $upstream.
flake_inputs() {
  upstream=${CLAN_TERRANIX_UPSTREAM:-$repo/../shared/upstream}
  [ -d "$upstream/clan-core" ] || { echo "FLAKE=1: no clan-core in $upstream: set CLAN_TERRANIX_UPSTREAM" >&2; exit 1; }
  upstream=$(cd "$upstream" && pwd)
  mkdir -p "$OUT/inputs/clan-core" "$OUT/inputs/clan-terranix"
  sed -e "s|@nixpkgs@|path:$upstream/nixpkgs-lib|" -e "s|@clan-core-src@|path:$upstream/clan-core|" -e "s|@flake-parts@|path:$upstream/flake-parts|" \
    "$repo/internal/testenv/clan-core.flake.nix" > "$OUT/inputs/clan-core/flake.nix"
  rm -rf "$OUT/inputs/clan-terranix"/*
  cp -r "$repo/nix" "$repo/flake.nix" "$OUT/inputs/clan-terranix/"
}

# make_flake DIR: the fleet clan DIR as a flake reading clan-core's evaluation of it; the
# flake.lock of the first clan ($OUT/flake.lock, kept by keep_flake_lock) is copied in, as a
# clan's repository keeps it.
make_flake() {
  echo '{ meta.name = "fleet"; }' > "$1/clan.nix"
  rm -f "$1/.clan-flake"
  cat > "$1/flake.nix" <<NIX
{
  inputs.clan-core.url = "path:$OUT/inputs/clan-core";
  inputs.nixpkgs.url = "path:$upstream/nixpkgs-lib";
  inputs.clan-terranix.url = "path:$OUT/inputs/clan-terranix";
  inputs.clan-terranix.inputs.nixpkgs.follows = "nixpkgs";
  outputs = { self, clan-core, nixpkgs, clan-terranix, ... }:
    let clan = clan-core.lib.clan { inherit self; imports = [ ./clan.nix ]; specialArgs = { inherit clan-terranix; }; };
    in {
      clan = clan.config;
      clanTerranix = clan-terranix.lib.clanTerranix { inherit self; lib = nixpkgs.lib; };
    };
}
NIX
  if [ -f "$OUT/flake.lock" ]; then cp "$OUT/flake.lock" "$1/flake.lock"; fi
}

# keep_flake_lock DIR: keeps the first clan's flake.lock for the next ones.
keep_flake_lock() {
  if [ ! -f "$OUT/flake.lock" ] && [ -f "$1/flake.lock" ]; then cp "$1/flake.lock" "$OUT/flake.lock"; fi
}
