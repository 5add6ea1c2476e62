# Probe: list-order (declared options: nixpkgs' check, merge and strictness)
{ config, lib, ... }: {
  imports = [ { l = [ "imp" ]; } { l = lib.mkBefore [ "before" ]; } ];
  options.l = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ "dflt" ]; };
  config.l = [ "own" ];
  config.locals.l = config.l;
}
