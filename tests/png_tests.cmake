# PNG codec: PngSuite conformance (one test per file, libpng's simplified
# API as the oracle) and the encoder / limit tests.
zp_add_test_program(test_pngsuite test_pngsuite.c)
zp_add_test_program(test_png_encode test_png_encode.c)

foreach(zp_png_part IN ITEMS layouts metadata compression limits errors)
  add_test(NAME png.${zp_png_part} COMMAND test_png_encode ${zp_png_part})
endforeach()

if(IS_DIRECTORY "${ZEROPIX_PNGSUITE_DIR}")
  # Globbed at configure time; CONFIGURE_DEPENDS re-globs when files come or go.
  file(GLOB zp_pngsuite_files CONFIGURE_DEPENDS "${ZEROPIX_PNGSUITE_DIR}/*.png")
  foreach(zp_png_file IN LISTS zp_pngsuite_files)
    get_filename_component(zp_png_name "${zp_png_file}" NAME_WLE)
    add_test(NAME pngsuite.${zp_png_name} COMMAND test_pngsuite "${zp_png_file}")
    set_tests_properties(pngsuite.${zp_png_name} PROPERTIES SKIP_RETURN_CODE 77 LABELS pngsuite)
  endforeach()
else()
  add_test(NAME pngsuite.missing COMMAND test_pngsuite --missing "${ZEROPIX_PNGSUITE_DIR}")
  set_tests_properties(pngsuite.missing PROPERTIES SKIP_RETURN_CODE 77 LABELS pngsuite)
endif()

# The fast PNG encoder (compression -1): deflate pieces against zlib, every
# output read back by libpng, the same bytes for any thread count.
zp_add_test_program(test_png_fast test_png_fast.c)
foreach(zp_png_part IN ITEMS deflate roundtrip threads options)
  add_test(NAME png.fast.${zp_png_part} COMMAND test_png_fast ${zp_png_part})
endforeach()
