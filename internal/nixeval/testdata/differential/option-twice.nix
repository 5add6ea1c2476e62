# The same option declared by two modules (nixpkgs merges the declarations).
{ config, lib, ... }:
{
  imports = [ { options.region = lib.mkOption { type = lib.types.str; }; } ];
  options.region = lib.mkOption { type = lib.types.str; default = "fsn1"; };
  config.provider.hcloud.location = config.region;
}
