/* tp_no_entry.c: a shared library that is not a zeropix plugin. */
int tp_something_else(void);
int tp_something_else(void) { return 42; }
