# Probe: attrsof-listof (declared options: nixpkgs' check, merge and strictness)
{ config, lib, ... }: {
  imports = [ { fw.web = [ 80 ]; } { fw.web = [ 443 ]; fw.db = [ 5432 ]; } ];
  options.fw = lib.mkOption { type = lib.types.attrsOf (lib.types.listOf lib.types.port); default = { }; };
  config.resource.x = lib.mapAttrs (n: ports: { inherit ports; }) config.fw;
}
