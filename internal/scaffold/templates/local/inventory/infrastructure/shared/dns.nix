# The DNS zone (the plan's Route53 zone), written as a zone file next to the workspace.
{
  resource.local_file.zone = {
    filename = "\${path.module}/zone.db";
    content = ''
      $ORIGIN example.internal.
      @ IN SOA ns1 hostmaster 1 3600 600 86400 300
    '';
  };

  output.dns_zone.value = "example.internal";
}
