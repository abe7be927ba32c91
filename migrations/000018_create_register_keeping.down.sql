DROP TABLE register_keeping;
