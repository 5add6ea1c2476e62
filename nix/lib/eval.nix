# Entry point of `nix-instantiate --eval --strict --json`: every workspace of
# a clan in one process. layoutFile is the JSON of Go's clan.Layout.
{ layoutFile, withNulls ? false }:
import ./clan.nix {
  layout = builtins.fromJSON (builtins.readFile layoutFile);
  inherit withNulls;
}
