"""Independent backends of the IoTDA export-task API, written from the platform's description alone."""
