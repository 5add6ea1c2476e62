# A definition below declared options that no option declares.
{ config, lib, ... }:
{
  options.app.enable = lib.mkEnableOption "the app";
  config.app.enable = true;
  config.app.typo = 1;
  config.locals.enabled = config.app.enable;
}
