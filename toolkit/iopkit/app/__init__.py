"""What people touch: the command line, the Workbench, the Group tab, the dashboard and the hub start-up."""
