# Probe: string-context (magic merge and module collection corner)
{ pkgs, ... }: { locals.f = "${pkgs.writeText "a.txt" "hello"}"; locals.g = builtins.toFile "b.txt" "x"; }
