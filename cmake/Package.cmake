# The Debian package: `cpack -G DEB` in the build folder (or `ninja package`)
# writes tcplab_<version>_amd64.deb. The same install rules serve `cmake
# --install`, so the package is what a source install gives, under /usr, plus
# what a desktop expects: a menu entry, an icon, a man page, bash completion,
# an AppArmor profile (installed where the system's parser accepts it, see
# cmake/packaging/debian/postinst) and a udev rule for /dev/net/tun.
set(packaging "${PROJECT_SOURCE_DIR}/cmake/packaging")

# The man page and the changelog, compressed as Debian wants them: gzip -n
# leaves out the name and time, so the package is the same from build to build.
set(compressed "${PROJECT_BINARY_DIR}/packaging")
add_custom_command(
  OUTPUT "${compressed}/tcplab.1.gz" "${compressed}/changelog.gz"
  COMMAND ${CMAKE_COMMAND} -E make_directory "${compressed}"
  COMMAND gzip -9nc "${packaging}/tcplab.1" > "${compressed}/tcplab.1.gz"
  COMMAND gzip -9nc "${packaging}/debian/changelog" > "${compressed}/changelog.gz"
  DEPENDS "${packaging}/tcplab.1" "${packaging}/debian/changelog"
  COMMENT "Compressing the man page and the changelog")
add_custom_target(tcplab_package_docs ALL DEPENDS "${compressed}/tcplab.1.gz" "${compressed}/changelog.gz")

include(GNUInstallDirs)
install(FILES "${compressed}/tcplab.1.gz" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES "${packaging}/tcplab.desktop" DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES "${packaging}/icons/tcplab.svg" DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size 16 32 48 64 128 256)
  install(FILES "${packaging}/icons/tcplab-${size}.png" DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
          RENAME tcplab.png)
endforeach()
install(FILES "${packaging}/bash-completion/tcplab" DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES "${packaging}/apparmor/tcplab" DESTINATION ${CMAKE_INSTALL_DATADIR}/tcplab/apparmor)
install(FILES "${packaging}/udev/99-tcplab-tun.rules" DESTINATION ${CMAKE_INSTALL_DATADIR}/tcplab/udev)
install(FILES "${packaging}/debian/copyright" "${compressed}/changelog.gz" DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tcplab)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "tcplab maintainers <maintainers@users.noreply.b-seed-9c925783.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "teaching lab for TCP on the real Linux stack")
# CPack puts the summary first, as the synopsis, and indents these lines below it.
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "tcplab shows the Linux TCP stack at work, step by step: every segment on\n"
  "the wire with its flags and sequence numbers, every socket state of both\n"
  "ends and every socket call, on one time line, explained in English or\n"
  "Simplified Chinese. Lessons cover the handshake, the teardown, sticky\n"
  "packets, SYN floods, TIME_WAIT, flow control, loss and retransmission,\n"
  "the listen queues and a peer's crash. Each run happens in private network\n"
  "namespaces, so it needs no root and never touches the host's network.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # tcplab_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Dependencies from the shared libraries the binary links (dpkg-shlibdeps);
# recommended: the fonts the window looks for, Mesa's drivers, python3 for the
# example programs.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-dejavu-core, fonts-wqy-microhei | fonts-noto-cjk, libgl1-mesa-dri, python3")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "apparmor, wireshark")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${packaging}/debian/postinst;${packaging}/debian/prerm;${packaging}/debian/postrm")
set(CPACK_OUTPUT_FILE_PREFIX "${PROJECT_BINARY_DIR}/package")
include(CPack)
