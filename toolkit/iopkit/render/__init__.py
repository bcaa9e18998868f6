"""What a page shows: the session view, the books (calendar, binder, workbook), the individual documents and the after-group kit."""
