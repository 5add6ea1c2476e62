# types.attrs merges shallowly (the later definition's keys win whole).
{ config, lib, ... }:
{
  imports = [ { tags = { team = "infra"; cost = { center = "1"; }; }; } { tags = { cost = { owner = "x"; }; }; } ];
  options.tags = lib.mkOption { type = lib.types.attrs; default = { }; };
  config.resource.aws_s3_bucket.b = { bucket = "b"; tags = config.tags; };
}
