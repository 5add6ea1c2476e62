{ lib, ... }: { locals.v = lib.toHexString 255; }
