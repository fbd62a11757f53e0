/*
 * A Modbus TCP server on libmodbus for the interoperability tests.
 *
 *   cc libmodbus_server.c $(pkg-config --cflags --libs libmodbus) -o libmodbus_server
 *   ./libmodbus_server [PORT]
 *
 * Listens on 127.0.0.1 (port 0 = any free port) and prints "PORT <n>" on stdout once it
 * listens. Serves several clients at once and any number of requests per connection. Exits
 * when stdin reaches end of file, so it never outlives the test that started it.
 *
 * Register map (0-based offsets); multi-register values are encoded here, independently of
 * the client's codec:
 *
 *   hr:0      int16   -12345              hr:1      uint16  54321
 *   hr:2-3    int32   -100000 ABCD        hr:4-5    int32   -100000 CDAB
 *   hr:6-7    uint32  3000000000 ABCD     hr:8-9    uint32  3000000000 CDAB
 *   hr:10-11  float32 123.5 ABCD          hr:12-13  float32 -7.25 CDAB
 *   hr:14-17  float64 1e10+0.5 ABCD..     hr:18-21  float64 -2.75e-3, words reversed
 *   hr:22     0xA005 (bits 0, 2, 13, 15 set)
 *   hr:40-41  123.5 by modbus_set_float_abcd()   hr:42-43  -7.25 by modbus_set_float_cdab()
 *             (libmodbus 3.1.6 builds these words byte by byte in memory, so on a
 *             little-endian host they go out with the bytes of each word swapped: BADC, DCBA)
 *   hr:30     uint16 counter, +1 every 100 ms       hr:31-32 uint32 ms since start, ABCD
 *   hr:150    777 (far from the rest: a second request)
 *   hr:0-199 exist; a read past hr:199 is answered with exception 02 (illegal data address)
 *   hr:60-99 and co:48-63 are left free for write tests: libmodbus's modbus_reply takes
 *   writes (functions 5, 6, 15, 16 and mask write register, 22) into the same mapping
 *   ir:0      int16 -321     ir:1-2 float32 2.5 ABCD     ir:3-4 float32 -2.5 CDAB
 *   ir:10     uint16 counter, +1 every 100 ms;           ir:0-99 exist
 *   co:0-7    1 0 1 1 0 0 0 1      co:40  1              co:0-63 exist
 *   di:0-7    0 1 1 0 1 0 0 1      di:63  1              di:0-63 exist
 *
 * Faults a misbehaving gateway shows, emulated on purpose (not libmodbus behaviour):
 *   a holding-register read starting at 900 is answered with one register fewer than asked;
 *   a holding-register read starting at 950 is answered with a byte count of 0.
 */
#include <errno.h>
#include <modbus.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct timespec t_start;

static uint32_t ms_since_start(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint32_t)((now.tv_sec - t_start.tv_sec) * 1000 + (now.tv_nsec - t_start.tv_nsec) / 1000000);
}

static void set_u32(uint16_t *dest, uint32_t v, int low_word_first)
{
    uint16_t hi = (uint16_t)(v >> 16), lo = (uint16_t)(v & 0xFFFF);
    dest[0] = low_word_first ? lo : hi;
    dest[1] = low_word_first ? hi : lo;
}

static void set_f32(uint16_t *dest, float v, int low_word_first)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    set_u32(dest, bits, low_word_first);
}

static void set_f64(uint16_t *dest, double v, int low_word_first)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    for (int i = 0; i < 4; i++) {
        uint16_t w = (uint16_t)(bits >> (48 - 16 * i)); /* high word first */
        dest[low_word_first ? 3 - i : i] = w;
    }
}

static void fill(modbus_mapping_t *m)
{
    uint16_t *hr = m->tab_registers, *ir = m->tab_input_registers;
    hr[0] = (uint16_t)(int16_t)-12345;
    hr[1] = 54321;
    set_u32(hr + 2, (uint32_t)(int32_t)-100000, 0);
    set_u32(hr + 4, (uint32_t)(int32_t)-100000, 1);
    set_u32(hr + 6, 3000000000u, 0);
    set_u32(hr + 8, 3000000000u, 1);
    set_f32(hr + 10, 123.5f, 0);
    set_f32(hr + 12, -7.25f, 1);
    set_f64(hr + 14, 1.0e10 + 0.5, 0);
    set_f64(hr + 18, -2.75e-3, 1);
    hr[22] = 0xA005;
    modbus_set_float_abcd(123.5f, hr + 40);
    modbus_set_float_cdab(-7.25f, hr + 42);
    hr[150] = 777;
    ir[0] = (uint16_t)(int16_t)-321;
    set_f32(ir + 1, 2.5f, 0);
    set_f32(ir + 3, -2.5f, 1);
    const uint8_t coils[8] = {1, 0, 1, 1, 0, 0, 0, 1};
    const uint8_t inputs[8] = {0, 1, 1, 0, 1, 0, 0, 1};
    memcpy(m->tab_bits, coils, 8);
    memcpy(m->tab_input_bits, inputs, 8);
    m->tab_bits[40] = 1;
    m->tab_input_bits[63] = 1;
}

static void update_counters(modbus_mapping_t *m)
{
    uint32_t ms = ms_since_start();
    m->tab_registers[30] = (uint16_t)(ms / 100);
    set_u32(m->tab_registers + 31, ms, 0);
    m->tab_input_registers[10] = (uint16_t)(ms / 100);
}

/* Answer a holding-register read with `n` registers whatever was asked (framing consistent). */
static int send_registers(int fd, const uint8_t *query, int header, int n, const uint16_t *values)
{
    uint8_t rsp[260];
    int len = 0;
    memcpy(rsp, query, 4); /* transaction and protocol id */
    uint16_t pdu = (uint16_t)(1 + 2 + 2 * n); /* unit + function + byte count + data */
    rsp[4] = (uint8_t)(pdu >> 8);
    rsp[5] = (uint8_t)(pdu & 0xFF);
    rsp[6] = query[6]; /* unit id */
    len = header;
    rsp[len++] = 0x03;
    rsp[len++] = (uint8_t)(2 * n);
    for (int i = 0; i < n; i++) {
        rsp[len++] = (uint8_t)(values[i] >> 8);
        rsp[len++] = (uint8_t)(values[i] & 0xFF);
    }
    return (int)send(fd, rsp, (size_t)len, MSG_NOSIGNAL);
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 0;
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    modbus_t *ctx = modbus_new_tcp("127.0.0.1", port);
    if (ctx == NULL) {
        fprintf(stderr, "libmodbus_server: modbus_new_tcp: %s\n", modbus_strerror(errno));
        return 1;
    }
    modbus_mapping_t *map = modbus_mapping_new_start_address(0, 64, 0, 64, 0, 200, 0, 100);
    if (map == NULL) {
        fprintf(stderr, "libmodbus_server: mapping: %s\n", modbus_strerror(errno));
        return 1;
    }
    fill(map);
    int server = modbus_tcp_listen(ctx, 8);
    if (server < 0) {
        fprintf(stderr, "libmodbus_server: listen: %s\n", modbus_strerror(errno));
        return 1;
    }
    struct sockaddr_in addr;
    socklen_t alen = sizeof addr;
    getsockname(server, (struct sockaddr *)&addr, &alen);
    printf("PORT %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    int header = modbus_get_header_length(ctx);
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    fd_set all;
    FD_ZERO(&all);
    FD_SET(0, &all);
    FD_SET(server, &all);
    int fdmax = server;
    for (;;) {
        fd_set ready = all;
        if (select(fdmax + 1, &ready, NULL, NULL, NULL) < 0) {
            if (errno == EINTR)
                continue;
            perror("libmodbus_server: select");
            break;
        }
        if (FD_ISSET(0, &ready)) {
            char buf[64];
            if (read(0, buf, sizeof buf) <= 0)
                break; /* the test closed our stdin: stop */
        }
        for (int fd = 1; fd <= fdmax; fd++) {
            if (fd == 0 || !FD_ISSET(fd, &ready))
                continue;
            if (fd == server) {
                int client = accept(server, NULL, NULL);
                if (client >= 0) {
                    FD_SET(client, &all);
                    if (client > fdmax)
                        fdmax = client;
                }
                continue;
            }
            modbus_set_socket(ctx, fd);
            int rc = modbus_receive(ctx, query);
            if (rc > 0) {
                int function = query[header];
                int start = (query[header + 1] << 8) | query[header + 2];
                int count = (query[header + 3] << 8) | query[header + 4];
                update_counters(map);
                if (function == 0x03 && start == 900 && count >= 1 && count <= 125) {
                    uint16_t zeros[125] = {0};
                    send_registers(fd, query, header, count - 1, zeros);
                } else if (function == 0x03 && start == 950) {
                    send_registers(fd, query, header, 0, NULL);
                } else {
                    modbus_reply(ctx, query, rc, map);
                }
            } else if (rc == -1) {
                close(fd); /* the client closed the connection */
                FD_CLR(fd, &all);
                if (fd == fdmax)
                    fdmax--;
            }
        }
    }
    modbus_mapping_free(map);
    close(server);
    modbus_free(ctx);
    return 0;
}
