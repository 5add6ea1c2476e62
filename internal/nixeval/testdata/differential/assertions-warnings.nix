# NixOS' assertions and warnings options: Terranix declares neither.
{ config, ... }:
{
  assertions = [ { assertion = config.variable ? region; message = "variable region is required"; } ];
  warnings = [ "check the region" ];
  variable.region = { };
}
