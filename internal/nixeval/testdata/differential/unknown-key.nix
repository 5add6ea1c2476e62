# A top-level key that is no Terranix option.
{ resources.aws_instance.web.ami = "ami-1"; }
