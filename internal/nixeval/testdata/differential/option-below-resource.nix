# Declaring options below one of Terranix's own (nixpkgs: a prefix conflict).
{ lib, ... }:
{
  options.resource.defaults = lib.mkOption { type = lib.types.attrs; default = { }; };
  config.resource.null_resource.x = { };
}
