# lib functions configurations use (clan-infra: getExe in local-exec).
{ lib, ... }:
let
  jq = { type = "derivation"; name = "jq-1.7"; outPath = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-jq-1.7"; meta.mainProgram = "jq"; };
  hosts = { web = "192.0.2.1"; db = "192.0.2.2"; };
in
{
  resource.null_resource.check.provisioner.local-exec.command = "${lib.getExe jq} . ${lib.escapeShellArg "out file.json"} ${lib.escapeShellArg "plain"}";
  resource.null_resource.check2.provisioner.local-exec.command = lib.getExe' jq "jq";
  locals = {
    records = lib.attrsets.concatMapAttrs (n: ip: { "${n}-a" = ip; "${n}-ptr" = lib.replaceString "." "-" ip; }) hosts;
    hostsLine = lib.concatMapAttrsStringSep ";" (n: ip: "${n}=${ip}") hosts;
    pairs = lib.mapCartesianProduct ({ env, region }: "${env}-${region}") { env = [ "prod" "staging" ]; region = [ "fsn1" "nbg1" ]; };
    product = lib.cartesianProduct { a = [ 1 2 ]; b = [ "x" ]; };
    mapped = lib.map (x: x * 2) [ 1 2 3 ];
    joined = lib.concat [ 1 ] [ 2 ];
    upper = lib.toUpper "abc";
    trimmed = lib.strings.removeSuffix ".example" "db.example";
  };
}
