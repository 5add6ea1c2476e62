# A nixpkgs lib function the builtins-only lib does not offer.
{ lib, ... }: { locals.quoted = lib.strings.escapeNixString "a\"b"; locals.hex = lib.toHexString 255; }
