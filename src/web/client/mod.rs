//! The client side of a gallery link: the door (password, e-mail sign-in), the cover, the
//! gallery with hearts, lists, notes and submit, and downloads. Every handler opens the
//! visit through `extract::ClientVisit` (or `ClientForm`, `ClientJson`), makes one app call
//! and renders.

mod entry;
mod gallery;
mod live;
mod order;
mod order_views;
mod tiles;
mod unsubscribe;
mod views;

pub use entry::{access_page, access_request, ask_to_reopen, enter, enter_page, sign_in, unlock};
pub use gallery::{
    add_comment, comments_json, cover, download, favourite, identify, photos_page, prices_page, submit, zip,
};
pub use live::{
    act as live_act, cart as live_cart, events as live_events, order as live_order, page as live_page,
    wall as live_wall,
};
pub use order::{
    add_line, add_page as order_add_page, cart_page, checkout, checkout_page, choose_package, delivery_file,
    delivery_page, delivery_zip, fill_package, invoice_page, order_page, package_photo, pay_by_card,
    set_coupon, set_quantity, set_shipping,
};
pub use tiles::TileCache;
pub use unsubscribe::{resubscribe, unsubscribe_now, unsubscribe_page};
