# Every helper of the builtins-only lib, called as configurations call them: the same results as nixpkgs' lib.
{ lib, ... }:
let
  set = { b = 2; a = 1; c = { d = 3; }; };
  list = [ 3 1 2 1 ];
  str = "  Hello, World  ";
in
{
  locals = {
    attrs = {
      mapAttrs' = lib.mapAttrs' (n: v: lib.nameValuePair "x${n}" v) { a = 1; b = 2; };
      mapAttrsToList = lib.mapAttrsToList (n: v: "${n}=${toString v}") { a = 1; b = 2; };
      attrsToList = lib.attrsToList { a = 1; b = 2; };
      genAttrs = lib.genAttrs [ "x" "y" ] (n: "${n}!");
      filterAttrs = lib.filterAttrs (n: v: v > 1) { a = 1; b = 2; c = 3; };
      foldAttrs = lib.foldAttrs (x: acc: [ x ] ++ acc) [ ] [ { a = 1; b = 2; } { a = 3; } ];
      hasAttrByPath = [ (lib.hasAttrByPath [ "c" "d" ] set) (lib.hasAttrByPath [ "c" "e" ] set) ];
      attrByPath = lib.attrByPath [ "c" "e" ] "dflt" set;
      getAttrFromPath = lib.getAttrFromPath [ "c" "d" ] set;
      setAttrByPath = lib.setAttrByPath [ "p" "q" ] 1;
      recursiveUpdate = lib.recursiveUpdate { a = { b = 1; c = 2; }; x = 1; } { a = { b = 3; }; x = { y = 1; }; };
      recursiveUpdateUntil = lib.recursiveUpdateUntil (path: l: r: path == [ "a" "b" ]) { a = { b = { c = 1; }; d = 1; }; } { a = { b = { e = 2; }; }; };
      collect = lib.collect builtins.isInt set;
      mapAttrsRecursive = lib.mapAttrsRecursive (path: v: lib.concatStringsSep "." path) set;
      mapAttrsRecursiveCond = lib.mapAttrsRecursiveCond (v: !(v ? d)) (path: v: builtins.length path) set;
      concatMapAttrs = lib.concatMapAttrs (n: v: { "${n}1" = v; "${n}2" = v; }) { a = 1; b = 2; };
      mergeAttrsList = lib.mergeAttrsList [ { a = 1; } { a = 2; b = 1; } ];
      zipAttrs = lib.zipAttrs [ { a = 1; } { a = 2; b = 1; } ];
      optionalAttrs = [ (lib.optionalAttrs true { a = 1; }) (lib.optionalAttrs false { a = 1; }) ];
      intersectAttrs = builtins.intersectAttrs { a = 0; } set;
      isDerivation = [ (lib.isDerivation { type = "derivation"; }) (lib.isDerivation set) ];
    };
    lists = {
      unique = lib.unique list;
      flatten = lib.flatten [ 1 [ 2 [ 3 ] ] [ ] ];
      range = [ (lib.range 2 5) (lib.range 5 2) ];
      imap0 = lib.imap0 (i: v: i + v) list;
      imap1 = lib.imap1 (i: v: i * v) list;
      foldl = lib.foldl (a: b: "${a}${toString b}") "" list;
      foldr = lib.foldr (a: b: "${toString a}${b}") "" list;
      reverseList = lib.reverseList list;
      last = lib.last list;
      init = lib.init list;
      take = [ (lib.take 2 list) (lib.take 9 list) ];
      drop = [ (lib.drop 2 list) (lib.drop 9 list) ];
      count = lib.count (x: x == 1) list;
      findFirst = [ (lib.findFirst (x: x > 1) null list) (lib.findFirst (x: x > 9) "none" list) ];
      findSingle = [ (lib.findSingle (x: x == 3) "none" "many" list) (lib.findSingle (x: x == 1) "none" "many" list) (lib.findSingle (x: x == 9) "none" "many" list) ];
      remove = lib.remove 1 list;
      subtractLists = lib.subtractLists [ 1 ] list;
      intersectLists = lib.intersectLists [ 1 2 ] list;
      toList = [ (lib.toList 1) (lib.toList [ 1 ]) ];
      singleton = lib.singleton 1;
      forEach = lib.forEach list (x: x + 1);
      zipListsWith = lib.zipListsWith (a: b: a + b) [ 1 2 3 ] [ 10 20 ];
      zipLists = lib.zipLists [ 1 2 ] [ "a" "b" "c" ];
      optional = [ (lib.optional true 1) (lib.optional false 1) ];
      optionals = lib.optionals true [ 1 2 ];
      sort = lib.sort (a: b: a < b) list;
      partition = lib.partition (x: x > 1) list;
      groupBy = lib.groupBy (x: if x > 1 then "big" else "small") list;
      min = lib.min 1 2; max = lib.max 1 2; mod = lib.mod 7 3;
      all = lib.all (x: x > 0) list; any = lib.any (x: x > 2) list;
      pipe = lib.pipe 2 [ (x: x + 1) (x: x * 10) ];
      id = lib.id 1; const = lib.const 1 2; flip = lib.flip (a: b: a - b) 1 10;
      fix = (lib.fix (self: { a = 1; b = self.a + 1; })).b;
    };
    strings = {
      concatStrings = lib.concatStrings [ "a" "b" ];
      concatMapStrings = lib.concatMapStrings (s: s + ";") [ "a" "b" ];
      concatMapStringsSep = lib.concatMapStringsSep "," (s: s + "!") [ "a" "b" ];
      concatImapStrings = lib.concatImapStrings (i: s: "${toString i}${s}") [ "a" "b" ];
      concatImapStringsSep = lib.concatImapStringsSep "-" (i: s: "${toString i}${s}") [ "a" "b" ];
      concatLines = lib.concatLines [ "a" "b" ];
      stringToCharacters = lib.stringToCharacters "abc";
      toUpper = lib.toUpper "aBc1"; toLower = lib.toLower "AbC1";
      hasPrefix = [ (lib.hasPrefix "He" "Hello") (lib.hasPrefix "x" "Hello") ];
      hasSuffix = [ (lib.hasSuffix "lo" "Hello") (lib.hasSuffix "Hello!" "Hello") ];
      hasInfix = [ (lib.hasInfix "ll" "Hello") (lib.hasInfix "." "a.b") (lib.hasInfix "x" "Hello") (lib.hasInfix "b" "a\nb") ];
      removePrefix = [ (lib.removePrefix "He" "Hello") (lib.removePrefix "x" "Hello") ];
      removeSuffix = [ (lib.removeSuffix "lo" "Hello") (lib.removeSuffix "x" "Hello") ];
      escapeRegex = lib.escapeRegex "a.b*c";
      splitString = [ (lib.splitString "," "a,b,,c") (lib.splitString "." "a.b") (lib.splitString ", " "a, b") ];
      trim = [ (lib.trim str) (lib.trim "") (lib.trim "   ") (lib.trim "\tx\n") ];
      escapeShellArg = [ (lib.escapeShellArg "a b") (lib.escapeShellArg "it's") (lib.escapeShellArg "plain-1.0/x:y@z%") (lib.escapeShellArg "") (lib.escapeShellArg 5) ];
      escapeShellArgs = lib.escapeShellArgs [ "a" "b c" ];
      toInt = [ (lib.toInt "42") (lib.toInt "-7") (lib.toInt " 3 ") ];
      boolToString = [ (lib.boolToString true) (lib.boolToString false) ];
      optionalString = [ (lib.optionalString true "x") (lib.optionalString false "x") ];
      replaceStrings = builtins.replaceStrings [ "a" ] [ "b" ] "aaa";
      versionOlder = [ (lib.versionOlder "1.2" "1.10") (lib.versionOlder "1.10" "1.2") ];
      versionAtLeast = [ (lib.versionAtLeast "1.2" "1.2") (lib.versionAtLeast "1.1" "1.2") ];
      stringsNs = [ (lib.strings.hasPrefix "a" "ab") (lib.strings.trim " x ") (lib.strings.concatStringsSep "," [ "a" ]) (lib.strings.toUpper "a") ];
      listsNs = [ (lib.lists.flatten [ [ 1 ] ]) (lib.lists.last [ 1 2 ]) (lib.lists.unique [ 1 1 ]) ];
      attrsetsNs = [ (lib.attrsets.filterAttrs (n: v: v == 1) { a = 1; }) (lib.attrsets.attrByPath [ "a" ] 0 { }) ];
      assertMsg = lib.assertMsg true "never";
      getName = [ (lib.getName "hello-1.2") (lib.getName { pname = "x"; name = "x-1"; }) ];
    };
    tf = [ (lib.tf.ref "var.x") (lib.tfRef "local.y") ];
  };
}
