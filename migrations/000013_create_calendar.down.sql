DROP TABLE IF EXISTS calendar_exception;
