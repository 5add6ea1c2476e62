# A freeformType on the configuration itself.
{ lib, ... }:
{
  freeformType = lib.types.attrsOf lib.types.anything;
  resource.null_resource.x = { };
  extra.kept = true;
}
