# Our lib's helpers, without nixpkgs.
{ lib, ... }:
with lib;
{
  locals = {
    optionalAttrs = optionalAttrs true { a = 1; } // optionalAttrs false { b = 2; };
    optional = optional true "x" ++ optional false "y";
    optionals = optionals true [ "a" "b" ];
    mapAttrs = mapAttrs (n: v: v + 1) { a = 1; };
    mapAttrs' = mapAttrs' (n: v: nameValuePair "${n}2" v) { a = 1; };
    genAttrs = genAttrs [ "x" "y" ] (n: toUpper n);
    listToAttrs = listToAttrs [ (nameValuePair "k" "v") ];
    filterAttrs = filterAttrs (n: v: v > 1) { a = 1; b = 2; };
    attrNames = attrNames { b = 1; a = 2; };
    attrValues = attrValues { b = 1; a = 2; };
    concatStringsSep = concatStringsSep "," [ "a" "b" ];
    concatMapStrings = concatMapStrings (s: s + ";") [ "a" "b" ];
    foldl' = foldl' (a: b: a + b) 0 [ 1 2 3 ];
    flatten = flatten [ 1 [ 2 [ 3 ] ] ];
    unique = unique [ "a" "b" "a" ];
    recursiveUpdate = recursiveUpdate { a.b = 1; a.c = 1; } { a.c = 2; };
    toLower = toLower "ABC";
    hasPrefix = hasPrefix "ab" "abc";
    hasSuffix = hasSuffix "bc" "abc";
    removePrefix = removePrefix "ab" "abc";
    splitString = splitString "." "a.b.c";
    range = range 1 3;
    imap0 = imap0 (i: v: "${toString i}${v}") [ "a" "b" ];
    mapAttrsToList = mapAttrsToList (n: v: n) { a = 1; };
    optionalString = optionalString true "s";
    replaceStrings = replaceStrings [ "a" ] [ "b" ] "aa";
    tfRef = tfRef "var.x";
    tf_ref = tf.ref "local.y";
  };
}
