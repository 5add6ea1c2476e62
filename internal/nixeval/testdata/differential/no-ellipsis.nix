# A module function without `...`: nixpkgs passes more arguments, so Terranix refuses it.
{ config, lib }:
{ resource.null_resource.x.triggers.a = "b"; }
