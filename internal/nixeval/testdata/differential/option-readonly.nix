# readOnly options take one definition.
{ config, lib, ... }:
{
  options.version = lib.mkOption { type = lib.types.str; readOnly = true; default = "1"; };
  config.locals.version = config.version;
}
