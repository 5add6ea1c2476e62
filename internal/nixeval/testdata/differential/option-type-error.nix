# A definition of the wrong type.
{ config, lib, ... }:
{
  options.port = lib.mkOption { type = lib.types.port; default = 22; };
  config.port = "22";
  config.locals.port = config.port;
}
