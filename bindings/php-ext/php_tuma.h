/* tuma: a native PHP extension over libtuma (include/tuma.h). See docs/php-extension.md. */

#ifndef PHP_TUMA_H
#define PHP_TUMA_H

extern zend_module_entry tuma_module_entry;
#define phpext_tuma_ptr &tuma_module_entry

/* The extension's own version: it follows libtuma's. */
#define PHP_TUMA_VERSION "0.1.0"

#if defined(ZTS) && defined(COMPILE_DL_TUMA)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

#endif /* PHP_TUMA_H */
