/* example.c: the README's C example. Decode an image, take the centre half,
 * turn it a quarter clockwise and mirror it (three views: no pixel is
 * copied), then write the result. Build it against an installed zeropix
 * with CMake (find_package, CMakeLists.txt beside this file) or pkg-config:
 *   cc -std=c11 example.c $(pkg-config --cflags --libs zeropix) -o example */
#include <stdio.h>
#include <zeropix/zeropix.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s INPUT OUTPUT\n", argv[0]);
        return 2;
    }
    zp_image img;
    zp_status st = zp_image_decode_file(argv[1], NULL, &img); /* EXIF orientation applied */
    if (st != ZP_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], zp_last_error());
        return 1;
    }
    printf("%s: %s %dx%d, %d channels, %s\n", argv[1], zp_format_name(img.info.format),
           (int)img.view.width, (int)img.view.height, (int)img.view.channels,
           zp_dtype_name(img.view.dtype));

    /* Views: O(1), no allocation, no pixel touched. Each holds a reference
     * to the decoded buffer, so the order of release does not matter. */
    zp_view centre, turned;
    int w = img.view.width, h = img.view.height;
    st = zp_view_crop(&img.view, w / 4, h / 4, w / 2 > 0 ? w / 2 : 1, h / 2 > 0 ? h / 2 : 1, &centre);
    if (st == ZP_OK) st = zp_view_rotate(&centre, 90, &turned);
    if (st == ZP_OK) st = zp_view_flip(&turned, ZP_FLIP_X, &turned); /* in place is fine */
    if (st != ZP_OK) {
        fprintf(stderr, "view: %s\n", zp_last_error());
        zp_image_release(&img);
        return 1;
    }
    printf("view %dx%d, strides y=%td x=%td c=%td bytes, same buffer: %s\n",
           (int)turned.width, (int)turned.height, turned.stride_y, turned.stride_x,
           turned.stride_c, turned.owner == img.view.owner ? "yes" : "no");

    /* The encoder reads any strides row by row; output goes to a temporary
     * file renamed into place, so a failure leaves nothing behind. */
    st = zp_image_encode_file(&turned, &img.meta, argv[2], NULL);
    if (st != ZP_OK) fprintf(stderr, "%s: %s\n", argv[2], zp_last_error());

    zp_view_release(&turned);
    zp_view_release(&centre);
    zp_image_release(&img);
    return st == ZP_OK ? 0 : 1;
}
